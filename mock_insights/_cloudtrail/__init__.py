"""The CloudTrail model: state, names, selectors and operations. Imports nothing above it."""
