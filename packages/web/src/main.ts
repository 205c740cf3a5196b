import { createApp } from 'vue';
import { DefaultApolloClient } from '@vue/apollo-composable';
import App from './App.vue';
import { createApolloClient } from './apollo';
import { createAppRouter } from './router';
import './styles.css';

createApp(App)
  .provide(DefaultApolloClient, createApolloClient())
  .use(createAppRouter())
  .mount('#app');
