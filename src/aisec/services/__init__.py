"""What the CLI, the Python API and (later) the server do, each as one function."""
