"""The only package that speaks SQL: tables, stores, plain records and migrations."""
