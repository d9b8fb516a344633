"""``python -m custom_components.blink_audio_doctor.doctor``: see ``cli``."""

from .cli import main

raise SystemExit(main())
