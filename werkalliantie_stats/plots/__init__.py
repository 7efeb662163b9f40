"""Plots of results. Each function takes a result (and ``ax=None``) and returns the Axes;
matplotlib is imported inside the functions only."""
