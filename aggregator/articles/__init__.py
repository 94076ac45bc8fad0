"""Article extraction: turning a fetched page into its article text."""
