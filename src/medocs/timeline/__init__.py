"""The dates: working days, the statutory periods as data, deadlines with their explanations, ICS.

Pure date arithmetic and text, no files and no "today" of its own. It may import only
``medocs.errors``; everything else in medocs may import it.
"""
