// TrimtabBatch: Analytic batching model and batch planning (issue 5).
import TrimtabModel
