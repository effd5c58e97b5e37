# eval-mt-bench.mk: MT-Bench by single grading, run by "make eval BENCH=mt-bench".
#
#   make eval BENCH=mt-bench MODELS="gpt-4o-mini deepseek-r1"
#
# answers (both turns, FastChat's temperature per category) -> single
# grading of every answer and turn (FastChat's judge prompts, GPT-4's
# reference answers for math, reasoning and coding) -> the MT-Bench table
# (turn 1, turn 2, average, 95 % intervals, categories), under
# $(OUT)/mt-bench/.  As in eval.mk, each file is renamed into place only
# when its command succeeds and a second run sends no request.
#
# Variables: MODELS (API-config entries), API_CONFIG, CACHE, OUT, JUDGE (the
# judge's entry, default gpt-4 as FastChat's), QUESTIONS, REFERENCES,
# JUDGE_CONFIG, BIN, GEN_FLAGS (gen-answer and gen-judgment), SHOW_FLAGS.

OUT          ?= runs
BIN          ?= bin
API_CONFIG   ?= configs/api.yaml
QUESTIONS    ?= data/mt-bench/question.jsonl
REFERENCES   ?= data/mt-bench/reference_answer/gpt-4.jsonl
JUDGE_CONFIG ?= configs/mt-bench.yaml
JUDGE        ?= gpt-4
GEN_FLAGS    ?=
SHOW_FLAGS   ?=
CACHE_FLAG    = $(if $(CACHE),--cache $(CACHE))
STEP          = scripts/step

# ESTIMATE=1 is the Arena-Hard v0.1 pipelines' (scripts/eval.mk): refuse it
# here rather than run, and pay for, the real thing.
ifeq ($(ESTIMATE),1)
$(error ESTIMATE=1 is not supported for BENCH=mt-bench yet: use gen-answer --estimate and gen-judgment --estimate)
endif
ifeq ($(strip $(MODELS)),)
$(error MODELS is empty: name the models to grade, e.g. MODELS="gpt-4o-mini")
endif

D         = $(OUT)/mt-bench
ANSWERS   = $(MODELS:%=$(D)/model_answer/%.jsonl)
JUDGMENTS = $(MODELS:%=$(D)/model_judgment/$(JUDGE)/%.jsonl)

.PHONY: all answers judgments
.DELETE_ON_ERROR:

all: $(D)/leaderboard.txt $(D)/leaderboard.csv
	@cat $<

answers: $(ANSWERS)
judgments: $(JUDGMENTS)

# FastChat's layout: model_answer/<model>.jsonl.
$(D)/model_answer/%.jsonl: $(QUESTIONS)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/gen-answer -m $* --api-config $(API_CONFIG) \
		--bench-config configs/mt-bench-answer.yaml $(CACHE_FLAG) \
		$(GEN_FLAGS) $(QUESTIONS)

$(D)/model_judgment/$(JUDGE)/%.jsonl: $(D)/model_answer/%.jsonl \
    $(JUDGE_CONFIG) $(REFERENCES)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/gen-judgment -c $(JUDGE_CONFIG) --judge $(JUDGE) \
		--api-config $(API_CONFIG) $(CACHE_FLAG) $(GEN_FLAGS) \
		--questions $(QUESTIONS) --reference-answers $(REFERENCES) $<

$(D)/leaderboard.txt: $(JUDGMENTS)
	$(STEP) $@ $(BIN)/show-result --questions $(QUESTIONS) $(SHOW_FLAGS) \
		$(JUDGMENTS)

$(D)/leaderboard.csv: $(JUDGMENTS)
	$(STEP) $@ $(BIN)/show-result -q --format csv --questions $(QUESTIONS) \
		$(SHOW_FLAGS) $(JUDGMENTS)
