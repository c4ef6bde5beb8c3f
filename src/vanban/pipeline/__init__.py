"""The pipeline every document goes through, one stage per module, data flowing one way.

1. ``loader``: YAML text → plain data with the file:line:col of every value (``Located``).
2. ``profile``: the office profile (``vanban.yaml``) merged into the located data.
3. ``validate``: text hygiene, limits, the typed model, ND30 checks across fields.
4. ``model``: the frozen, typed notice.
5. ``notice``: the one loading path that runs stages 1–4 for any command (``load_notice``).
6. ``outline``: one walk of the numbered body: kind, label, text, unit, deadline of each item.
7. ``context``: the display-ready context; every ND30 rule (``rules``) is applied here.
8. ``render_pdf`` / ``render_docx``: the two renderers, laying out the same context
   with the templates found on the ``templates`` search path.
9. ``output``: atomic writes confined to the output folder.

Commands (``vanban.commands``) are built on these stages; no stage imports a command.
"""
