"""The JSON 1.1 wire format and the dispatch from operation name to handler."""
