"""An enhancement's job: its states (``states``), the worker's run (``runner``, ``engine``), the reaper of
runs whose worker died (``reaper``) and what each queue backend needs told (``backends``).

Nothing here imports the services or the task module: both call into this package, never the reverse.
"""
