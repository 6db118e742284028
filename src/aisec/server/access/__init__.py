"""Who may do what on the server: roles and their permissions, passwords, tokens, and the
request dependencies that enforce them on every route."""
