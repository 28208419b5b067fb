"""Digital applications for Bürgergeld: first application, renewal, change notice."""
