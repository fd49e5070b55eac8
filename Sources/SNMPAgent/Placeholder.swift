import SNMPModel
