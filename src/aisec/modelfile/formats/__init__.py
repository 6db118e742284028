"""Format handlers: each claims an artefact by content and analyses it statically."""
