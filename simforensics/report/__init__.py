"""Renderers of the result model: terminal (Rich), JSON, HTML. They compute nothing themselves."""
