/**
 * Shape checks for what content files export. Types catch most mistakes in
 * TypeScript, but commands may be plain JS and a wrong default export must stop
 * the start with the file's name and what to write instead.
 */
import { z } from 'zod';
import { ROLES } from '../define.js';

const role = z.enum(ROLES);
const verb = z
  .string()
  .regex(/^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*){0,2}$/, 'lowercase words separated by single spaces, e.g. "db activity"');

export const commandShape = z.object({
  name: verb,
  summary: z.string().min(1).max(150),
  usage: z.array(z.string().min(1)).min(1, 'give at least one example, e.g. usage: ["status api-gateway prod"]'),
  args: z.custom<z.ZodObject>((v) => v instanceof z.ZodObject, 'must be a z.object({...}) schema'),
  mutates: z.boolean(),
  requiredRole: z.union([role, z.object({ default: role, production: role })]),
  run: z.custom<(...a: unknown[]) => unknown>((v) => typeof v === 'function', 'must be an async function (ctx, args)'),
  plan: z.custom<(...a: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function').optional(),
  target: z.custom<(...a: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function').optional(),
});

export const scheduleShape = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case, e.g. daily-backup'),
  cron: z.string().min(1),
  timezone: z.string().optional(),
  command: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  postTo: z.enum(['alerts', 'reports', 'approvals', 'incidents']).optional(),
  summary: z.string().optional(),
  catchUp: z.boolean().optional(),
  steps: z
    .array(
      z.object({
        title: z.string().min(1),
        command: z.string().min(1),
        args: z.record(z.string(), z.unknown()),
        expect: z.string().min(1),
        onFailure: z.enum(['continue', 'stop']).optional(),
      }),
    )
    .min(1, 'a checklist needs at least one step')
    .optional(),
});

export const policyShape = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case, e.g. production-two-person'),
  appliesTo: z.strictObject({
    production: z.boolean().optional(),
    mutates: z.boolean().optional(),
    tier: z.enum(['critical', 'standard']).optional(),
    commands: z.array(z.string()).optional(),
    environments: z.array(z.string()).optional(),
  }),
  require: z.object({ approvals: z.number().int().min(0).max(3), fromRoles: z.array(role).min(1) }),
  expiresAfter: z
    .string()
    .regex(/^\d+m$/, 'minutes, e.g. "15m"')
    .refine((v) => Number(v.slice(0, -1)) >= 5 && Number(v.slice(0, -1)) <= 60, 'from "5m" to "60m"')
    .optional(),
  schedules: z.enum(['preapproved', 'require-approval']),
  summary: z.string().max(200).optional(),
});
