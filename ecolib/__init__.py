"""ecolib: analytic workbook for industrial parks and development zones."""

__version__ = "0.1.0"
