"""Psychometric models: correlations, factor analysis, reliability, CFA."""
