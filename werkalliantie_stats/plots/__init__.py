"""Plots of results: each function takes a result and ``ax=None`` and returns the Axes.

matplotlib is imported inside the plotting functions only.
"""
