"""Public complaints on social media: posts with a response clock, 5P reply drafts and
follow-through on every promise made in public."""
