"""proj.jupyter (see DESIGN.md)."""
