"""The edge of hydria: the API users call and, later, the command line."""
