// What each feature registered with Bolt, so the manifest test can compare it with manifest.yml.

export type Registered = Readonly<
  Record<'commands' | 'shortcuts' | 'actions' | 'events' | 'views', readonly string[]>
>;

/** One feature's share of Registered. */
export type Registrations = Partial<Registered>;
