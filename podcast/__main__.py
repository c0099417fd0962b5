"""python -m podcast"""

from podcast.cli import main

main()
