import FTTHCore
