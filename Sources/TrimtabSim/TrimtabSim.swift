// TrimtabSim: Discrete-event simulation of workflows under load (issue 4).
import TrimtabModel
