"""The results of a solve: the results workbook, its JSON summary and the solution checker."""
