"""The certification pages: the body's workspace, the enterprise's applications, the
competent department's overview, the case page (every step), notifications and the
public certificate page."""
