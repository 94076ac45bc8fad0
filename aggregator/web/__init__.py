"""The HTTP side of the service. At this level what the whole app shares (the app, the gate and
who is asking, anti-forgery, input rules, the actions pages and API both perform, health and
ops); beneath it what each part serves: pages/ (the editors' desk), api/ (JSON), digest/."""
