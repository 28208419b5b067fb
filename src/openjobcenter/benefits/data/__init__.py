"""Legal data files (one JSON file per date of validity); a package so that wheels ship them."""
