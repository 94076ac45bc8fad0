"""The HTTP side of the service: digest feeds, the editors' pages, the JSON API, health."""
