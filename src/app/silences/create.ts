import { randomUUID } from "node:crypto";
import type { Person, Silence } from "../../core/notify/silence.js";
import type { SilenceStore } from "../../core/ports/ports.js";

/** A silence as asked for: what it mutes, when, and why. Who asked comes from sign-in, apart. */
export type SilenceRequest = Pick<Silence, "matchers" | "startsAt" | "endsAt" | "comment">;

/** "exists": the new ID was taken already, which only a UUID collision does. */
export type CreateSilenceResult = { status: "created"; silence: Silence } | { status: "exists"; id: string };

/** Stores a new silence for `by`, created at `now` (the time its request was checked against). */
export async function createSilence(
  deps: { silences: Pick<SilenceStore, "save">; newId?: () => string },
  request: SilenceRequest,
  by: Person,
  now: Date,
): Promise<CreateSilenceResult> {
  const silence: Silence = {
    id: (deps.newId ?? randomUUID)(),
    ...request,
    createdBy: by.name,
    createdByObjectId: by.objectId,
    createdAt: now,
    expiredAt: undefined,
  };
  const saved = await deps.silences.save(silence, undefined);
  return saved.status === "saved" ? { status: "created", silence } : { status: "exists", id: silence.id };
}
