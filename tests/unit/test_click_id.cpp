// Placeholder: tests land with their issue.
