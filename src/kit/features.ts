/** Which optional outside systems are connected, for honest "not configured" answers. */
export interface Features {
  readonly notion: boolean;
  readonly alertmanager: boolean;
  readonly grafana: boolean;
  readonly webhooks: boolean;
}
