// The yardstick of `npm run bench`: a bare Bolt 5 app that acknowledges `/audit` with a fixed
// text and does nothing else, on Bolt's own HTTP receiver. Plain JavaScript run by node itself,
// as the bot's build is, in its own process beside the bot, so both are measured alike.
//
//   PORT=… SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… SLACK_API_URL=… node bench/bare-bolt.mjs

import bolt from '@slack/bolt';

const app = new bolt.App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

app.command('/audit', async ({ ack }) => {
  await ack('All checks are fine.');
});

await app.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('bare bolt listening\n');
