import React from 'react';
import {
  Button,
  Heading,
  Input,
  NumberInput,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { fieldProps } from './words.js';

const KINDS = ['detractor_recovery', 'promoter_thanks', 'dissonance', 'account_alert'];
const METRICS = ['nps', 'csat', 'ces'];
const ASSIGNEES = ['account_owner', 'owners_manager', 'queue'];

/** An id for a new rule that no rule has yet: `rule-1`, `rule-2`… */
function newRuleId(rules) {
  const ids = new Set(rules.map((rule) => rule.id));
  let n = rules.length + 1;
  while (ids.has(`rule-${n}`)) n++;
  return `rule-${n}`;
}

/** A copy of `object` with `field` set, or removed when the value is empty. */
export function withField(object, field, value) {
  const next = { ...object, [field]: value };
  if (value === undefined || value === null || value === '') delete next[field];
  return next;
}

/**
 * The alert thresholds: each rule's name, metric, score range, touchpoint (one of the journey's,
 * or every touchpoint), callback kind, SLA, escalation, assignee (and queue) and whether it is on;
 * rules are added and removed here. The server validates them with the shared schema.
 */
export function RulesSection({ settings, touchpoints, update, issues, words }) {
  const rules = settings.rules;
  const setRule = (index, field, value) =>
    update((current) => ({
      ...current,
      rules: current.rules.map((rule, i) => (i === index ? withField(rule, field, value) : rule)),
    }));
  const addRule = () =>
    update((current) => ({
      ...current,
      rules: [
        ...current.rules,
        {
          id: newRuleId(current.rules),
          metric: 'nps',
          minScore: 0,
          maxScore: 6,
          kind: 'account_alert',
          slaHours: 24,
          assignTo: 'account_owner',
          active: true,
        },
      ],
    }));
  const removeRule = (index) =>
    update((current) => ({ ...current, rules: current.rules.filter((_, i) => i !== index) }));
  const field = (index, name) => fieldProps(issues, `rules.${index}.${name}`);
  const touchpointOptions = [
    { label: words.everyTouchpoint, value: '' },
    ...touchpoints.map((t) => ({ label: `${t.labelEn} / ${t.labelFr}`, value: t.key })),
  ];
  return (
    <>
      <Heading>{words.rules}</Heading>
      <Text>{words.rulesHelp}</Text>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{words.rule}</TableHeader>
            <TableHeader>{words.range}</TableHeader>
            <TableHeader>{words.slaHours}</TableHeader>
            <TableHeader>{words.assignTo}</TableHeader>
            <TableHeader>{words.active}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rules.map((rule, index) => (
            <TableRow key={index}>
              <TableCell>
                <Input
                  {...field(index, 'id')}
                  label={words.ruleId}
                  value={rule.id}
                  onChange={(value) => setRule(index, 'id', value)}
                />
                <Input
                  {...field(index, 'label')}
                  label={words.ruleLabel}
                  value={rule.label ?? ''}
                  onChange={(value) => setRule(index, 'label', value)}
                />
                <Select
                  {...field(index, 'kind')}
                  label={words.kind}
                  value={rule.kind}
                  options={KINDS.map((value) => ({ label: words[value], value }))}
                  onChange={(value) => setRule(index, 'kind', value)}
                />
                <Select
                  {...field(index, 'touchpoint')}
                  label={words.touchpoint}
                  value={rule.touchpoint ?? ''}
                  options={
                    rule.touchpoint && !touchpoints.some((t) => t.key === rule.touchpoint)
                      ? [...touchpointOptions, { label: rule.touchpoint, value: rule.touchpoint }]
                      : touchpointOptions
                  }
                  onChange={(value) => setRule(index, 'touchpoint', value)}
                />
              </TableCell>
              <TableCell>
                <Select
                  {...field(index, 'metric')}
                  label={words.metric}
                  value={rule.metric ?? 'nps'}
                  options={METRICS.map((value) => ({ label: value.toUpperCase(), value }))}
                  onChange={(value) => setRule(index, 'metric', value)}
                />
                <NumberInput
                  {...field(index, 'minScore')}
                  label={words.minScore}
                  value={rule.minScore}
                  onChange={(value) => setRule(index, 'minScore', value)}
                />
                <NumberInput
                  {...field(index, 'maxScore')}
                  label={words.maxScore}
                  value={rule.maxScore}
                  onChange={(value) => setRule(index, 'maxScore', value)}
                />
              </TableCell>
              <TableCell>
                <NumberInput
                  {...field(index, 'slaHours')}
                  label={words.slaHours}
                  value={rule.slaHours}
                  onChange={(value) => setRule(index, 'slaHours', value)}
                />
                <NumberInput
                  {...field(index, 'escalateAfterHours')}
                  label={words.escalateAfterHours}
                  value={rule.escalateAfterHours}
                  onChange={(value) => setRule(index, 'escalateAfterHours', value)}
                />
              </TableCell>
              <TableCell>
                <Select
                  {...field(index, 'assignTo')}
                  label={words.assignTo}
                  value={rule.assignTo}
                  options={ASSIGNEES.map((value) => ({ label: words[value], value }))}
                  onChange={(value) => setRule(index, 'assignTo', value)}
                />
                {rule.assignTo === 'queue' && (
                  <Input
                    {...field(index, 'queue')}
                    label={words.queueName}
                    value={rule.queue ?? ''}
                    onChange={(value) => setRule(index, 'queue', value)}
                  />
                )}
              </TableCell>
              <TableCell>
                <Toggle
                  name={`rules.${index}.active`}
                  label={words.active}
                  checked={rule.active !== false}
                  onChange={(checked) => setRule(index, 'active', checked)}
                />
                <Button variant="destructive" size="sm" onClick={() => removeRule(index)}>
                  {`${words.removeRule} ${rule.id}`.trim()}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Button onClick={addRule}>{words.addRule}</Button>
    </>
  );
}
