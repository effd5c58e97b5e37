# eval.mk: the incremental evaluation pipeline, run by "make eval".
#
#   make eval BENCH=ko MODELS="gpt-4o-mini claude-3.5-haiku"
#
# answers -> judgments (each judge) -> ensemble -> leaderboard and the HTML
# report ($(OUT)/$(BENCH)/report/index.html: the boards, every judge's
# texts in its question browser, the judge diagnostics), under
# $(OUT)/$(BENCH)/.  Every file is written to a temp file and renamed only
# when its command succeeds, so an interrupted or failed step is redone on
# the next run, and the response cache makes redoing it cost only the calls
# that were never answered.  Targets already built are not rebuilt: a second
# run sends no request at all.
#
# Variables: BENCH (ko, zh, en), MODELS (models under test, API-config
# entries), API_CONFIG, CACHE, OUT, JUDGES, BASELINE, QUESTIONS, JUDGE_CONFIG,
# BIN (where the commands are), GEN_FLAGS (extra flags for gen-answer and
# gen-judgment, e.g. --parallel 64), SHOW_FLAGS (for show-result).

BENCH        ?= ko
OUT          ?= runs
BIN          ?= bin
API_CONFIG   ?= configs/api.yaml
GEN_FLAGS    ?=
SHOW_FLAGS   ?=
CACHE_FLAG    = $(if $(CACHE),--cache $(CACHE))
STEP          = scripts/step

ifeq ($(BENCH),ko)
QUESTIONS    ?= data/ko-arena-hard-v0.1/question.jsonl
JUDGE_CONFIG ?= configs/ko.yaml
BASELINE     ?= claude-3.7-sonnet
else ifeq ($(BENCH),zh)
QUESTIONS    ?= data/m-arena-hard-zh/question.jsonl
JUDGE_CONFIG ?= configs/zh.yaml
BASELINE     ?= Qwen__Qwen2.5-72B-Instruct
else ifeq ($(BENCH),en)
QUESTIONS    ?= data/arena-hard-v0.1/question.jsonl
JUDGE_CONFIG ?= configs/en.yaml
BASELINE     ?= gpt-4-0314
else
$(error unknown BENCH '$(BENCH)': use ko, zh, en, mt-bench or v2)
endif
JUDGES       ?= gemini-2.0-flash-001 gpt-4o-mini

D        = $(OUT)/$(BENCH)
REPORT   = $(D)/report/index.html
ALL      = $(sort $(BASELINE) $(MODELS))
ANSWERS  = $(ALL:%=$(D)/answers/%.jsonl)
ENSEMBLE = $(ALL:%=$(D)/ensemble/%.jsonl)
JUDGMENTS = $(foreach j,$(JUDGES),$(ALL:%=$(D)/judgments/$(j)/%.jsonl))
comma   := ,
empty   :=
space   := $(empty) $(empty)

.PHONY: all answers judgments ensemble report
.DELETE_ON_ERROR:
# Every output is named as a prerequisite below, so none is "intermediate":
# make neither deletes one nor skips one that is missing (.SECONDARY would).

all: $(D)/leaderboard.txt $(JUDGMENTS) $(REPORT)
	@cat $<

answers: $(ANSWERS)
judgments: $(JUDGMENTS)
ensemble: $(ENSEMBLE)
report: $(REPORT)

$(D)/answers/%.jsonl: $(QUESTIONS)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/gen-answer -m $* --api-config $(API_CONFIG) \
		$(CACHE_FLAG) $(GEN_FLAGS) $(QUESTIONS)

# One rule per judge, so "make -j" runs both judges at once.
define judge_rule
$(D)/judgments/$(1)/%.jsonl: $(D)/answers/%.jsonl \
    $(D)/answers/$(BASELINE).jsonl $(JUDGE_CONFIG)
	@mkdir -p $$(@D)
	$(STEP) $$@ $(BIN)/gen-judgment -c $(JUDGE_CONFIG) --judge $(1) \
		--api-config $(API_CONFIG) $(CACHE_FLAG) $(GEN_FLAGS) \
		--questions $(QUESTIONS) \
		--baseline-answers $(D)/answers/$(BASELINE).jsonl $$<
endef
$(foreach j,$(JUDGES),$(eval $(call judge_rule,$(j))))

$(D)/ensemble/%.jsonl: $(foreach j,$(JUDGES),$(D)/judgments/$(j)/%.jsonl)
	@mkdir -p $(@D)
	$(STEP) $@ $(BIN)/ensemble-judgment -q \
		--judges $(subst $(space),$(comma),$(JUDGES)) $^

$(D)/leaderboard.txt: $(ENSEMBLE) $(ANSWERS)
	$(STEP) $@ $(BIN)/show-result --baseline $(BASELINE) \
		--answers $(D)/answers --output-dir $(D) --control all \
		$(SHOW_FLAGS) $(ENSEMBLE)

# show-result writes the page and its browse/ files through temporary files
# renamed together, so a failed run leaves no index.html to fool make.
$(REPORT): $(ENSEMBLE) $(ANSWERS) $(JUDGMENTS) $(QUESTIONS)
	$(BIN)/show-result -q --baseline $(BASELINE) --format html \
		--output-dir $(@D) --control all --answers $(D)/answers \
		--questions $(QUESTIONS) \
		$(foreach j,$(JUDGES),--judgments $(D)/judgments/$(j)) \
		$(SHOW_FLAGS) $(ENSEMBLE)

# make eval ESTIMATE=1: what the run would send and cost, sending nothing.
# gen-answer --estimate for every answer file not made yet (its stand-ins,
# of the expected lengths, take the answers' place below) and gen-judgment
# --estimate for every judgment file not made yet; scripts/estimate-sum
# adds the lines up per model and stage, and a table goes to stderr.
EST = $(D)/estimate
.PHONY: estimate
ifeq ($(ESTIMATE),1)
.DEFAULT_GOAL := estimate
endif
estimate:
	@rm -rf $(EST) && mkdir -p $(EST)/answers
	@for m in $(ALL); do \
		a=$(D)/answers/$$m.jsonl; [ -s "$$a" ] && continue; \
		$(BIN)/gen-answer -q --estimate -m $$m \
		    --estimate-answers $(EST)/answers/$$m.jsonl \
		    --api-config $(API_CONFIG) $(CACHE_FLAG) $(GEN_FLAGS) \
		    $(QUESTIONS) >>$(EST)/lines.jsonl || exit $$?; \
	done; \
	ans() { if [ -s $(D)/answers/$$1.jsonl ]; then \
	    echo $(D)/answers/$$1.jsonl; else echo $(EST)/answers/$$1.jsonl; fi; }; \
	for j in $(JUDGES); do for m in $(ALL); do \
		[ -s $(D)/judgments/$$j/$$m.jsonl ] && continue; \
		$(BIN)/gen-judgment -q --estimate -c $(JUDGE_CONFIG) --judge $$j \
		    --api-config $(API_CONFIG) $(CACHE_FLAG) $(GEN_FLAGS) \
		    --questions $(QUESTIONS) \
		    --baseline-answers $$(ans $(BASELINE)) $$(ans $$m) \
		    >>$(EST)/lines.jsonl || exit $$?; \
	done; done; \
	touch $(EST)/lines.jsonl; scripts/estimate-sum $(EST)/lines.jsonl
