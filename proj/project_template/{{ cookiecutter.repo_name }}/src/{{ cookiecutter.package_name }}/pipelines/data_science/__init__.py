"""data_science: fit a classifier on the training set and report its test accuracy."""
