"""Turning results into files: report folders, tables, results.json."""

from .output import OutputExistsError, output_folder
from .writer import environment_versions, write_report

__all__ = ["OutputExistsError", "environment_versions", "output_folder", "write_report"]
