"""Yearly self-assessment: criteria and settings, entry rules, scoring, reports, imports, the city overview."""
