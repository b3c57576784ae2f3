"""The edge of hydria: the API users call (`api`, `main`) and the command line (`cli`,
`runner`, and one module per mode in `modes/`)."""
