// What each feature registered with Bolt, so the manifest test can compare it with manifest.yml.

export interface Registered {
  readonly commands: readonly string[];
  readonly shortcuts: readonly string[];
  readonly actions: readonly string[];
  readonly events: readonly string[];
  readonly views: readonly string[];
}

/** One feature's share of Registered. */
export type Registrations = Partial<Record<keyof Registered, readonly string[]>>;
