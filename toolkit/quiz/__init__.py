"""Quizzes: questions and scoring, generation, authored banks, attempts, workshops, formats, item analysis."""
