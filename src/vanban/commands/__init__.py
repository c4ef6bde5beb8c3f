"""What the command line offers, built on the pipeline: build, tasks, diff, the register, scaffolding.

Each module reads the model or the outline (``vanban.pipeline``); only ``build`` and the
per-unit extract go on to the display context and the renderers.
"""
