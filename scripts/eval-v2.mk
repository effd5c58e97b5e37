# eval-v2.mk: Arena-Hard-Auto v2.0, run by "make eval BENCH=v2".
#
#   make eval BENCH=v2 MODELS="gpt-4o-mini deepseek-r1"
#
# answers (the models' and the two baselines') -> judgments (each category
# against its own baseline, with its own system prompt: configs/v2.yaml's
# judge_settings, upstream's JUDGE_SETTINGS) -> v2.0's scores per category
# (mean weighted outcome, 90 % interval; leaderboard.txt) and a
# Bradley-Terry board per category (leaderboard-bt.txt), under
# $(OUT)/v2/.  As in eval.mk, each file is renamed into place only when its
# command succeeds and a second run sends no request.
#
# Variables: MODELS (API-config entries), API_CONFIG, CACHE, OUT, JUDGE
# (default gpt-4.1, upstream's), BASELINES (the baselines of
# configs/v2.yaml's judge_settings), QUESTIONS, JUDGE_CONFIG, BIN, GEN_FLAGS
# (gen-answer and gen-judgment), SHOW_FLAGS.

OUT          ?= runs
BIN          ?= bin
API_CONFIG   ?= configs/api.yaml
QUESTIONS    ?= data/arena-hard-v2.0/question.jsonl
JUDGE_CONFIG ?= configs/v2.yaml
JUDGE        ?= gpt-4.1
BASELINES    ?= o3-mini-2025-01-31 gemini-2.0-flash-001
GEN_FLAGS    ?=
SHOW_FLAGS   ?=
CACHE_FLAG    = $(if $(CACHE),--cache $(CACHE))
STEP          = scripts/step

# ESTIMATE=1 is the Arena-Hard v0.1 pipelines' (scripts/eval.mk): refuse it
# here rather than run, and pay for, the real thing.
ifeq ($(ESTIMATE),1)
$(error ESTIMATE=1 is not supported for BENCH=v2 yet: use gen-answer --estimate and gen-judgment --estimate)
endif
ifeq ($(strip $(filter-out $(BASELINES),$(MODELS))),)
$(error MODELS is empty: name the models to judge, e.g. MODELS="gpt-4o-mini")
endif

D         = $(OUT)/v2
JUDGED    = $(filter-out $(BASELINES),$(MODELS))
BASE_ANS  = $(BASELINES:%=$(D)/answers/%.jsonl)
ANSWERS   = $(sort $(BASE_ANS) $(JUDGED:%=$(D)/answers/%.jsonl))
JUDGMENTS = $(JUDGED:%=$(D)/judgments/$(JUDGE)/%.jsonl)

.PHONY: all answers judgments
.DELETE_ON_ERROR:

all: $(D)/leaderboard.txt $(D)/leaderboard-bt.txt
	@cat $<

answers: $(ANSWERS)
judgments: $(JUDGMENTS)

$(D)/answers/%.jsonl: $(QUESTIONS)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/gen-answer -m $* --api-config $(API_CONFIG) \
		$(CACHE_FLAG) $(GEN_FLAGS) $(QUESTIONS)

$(D)/judgments/$(JUDGE)/%.jsonl: $(D)/answers/%.jsonl $(BASE_ANS) \
    $(JUDGE_CONFIG)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/gen-judgment -c $(JUDGE_CONFIG) --judge $(JUDGE) \
		--api-config $(API_CONFIG) $(CACHE_FLAG) $(GEN_FLAGS) \
		--questions $(QUESTIONS) \
		$(BASE_ANS:%=--baseline-answers %) $<

$(D)/leaderboard.txt: $(JUDGMENTS)
	$(STEP) $@ $(BIN)/show-result --scoring v2 $(SHOW_FLAGS) $(JUDGMENTS)

$(D)/leaderboard-bt.txt: $(JUDGMENTS)
	$(STEP) $@ $(BIN)/show-result -q $(SHOW_FLAGS) $(JUDGMENTS)
