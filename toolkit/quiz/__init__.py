"""Quizzes: questions and scoring, generation, authored banks, retired and reported questions, attempts, workshops,
formats, item analysis."""
