// TrimtabJob: Offline batch inference jobs (issue 7).
import TrimtabModel
