"""The composition root and the processes: builds every part once, hands each what it needs,
and runs them in one event loop (or several worker processes), with logging and reloads.
"""
