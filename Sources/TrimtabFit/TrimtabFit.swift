// TrimtabFit: Fitting latency curves to measurements; importing Step Functions workflows (issue 3).
import TrimtabModel
