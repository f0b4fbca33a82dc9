"""data_processing: from the raw iris file to a training and a held-out test set."""
