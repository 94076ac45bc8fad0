"""The editors' desk in HTML: its routes, forms and the rendering they share (the templates and
static files stay at web/templates and web/static: the gate renders its refusals with them too)."""
