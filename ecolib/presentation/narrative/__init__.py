"""The words of the report: one module per page, one findings function per report section
(typed arguments, no dispatch on a section name), the headline cards, and the values a section
heading or intro names. Every sentence is built from the result it speaks of, so it is true for
every row of the table beside it.
"""
